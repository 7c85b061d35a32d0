/* list loader */
(function () {
  __CFG__
  function pick(o, k) {
    if (!k) return o;
    var p = k.split('.');
    for (var i = 0; i < p.length; i++) { o = o ? o[p[i]] : null; }
    return o;
  }
  __SEND__
  var API = __API__, BASE = __BASE__, SIZE = C.size || __SIZE__;
  function load(n) {
    var q = __PARAMS__;
    q[__PCOL__] = C.id; q[__PPAGE__] = n + BASE; q[__PSIZE__] = SIZE;
    var parts = [];
    for (var k in q) parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(q[k]));
    var m = __METHOD__, url = API, body = null, type = null;
    if (m == 'GET') url = API + '?' + parts.join('&');
    else if (m == 'POST') { body = parts.join('&'); type = 'application/x-www-form-urlencoded'; }
    else { body = JSON.stringify(q); type = 'application/json'; }
    call(url, body, type, function (d) {
      var list = pick(d, __LISTKEY__) || [], h = '';
      for (var i = 0; i < list.length; i++) { var r = list[i]; h += __RENDER__; }
      document.getElementById(__CONTAINER__).innerHTML = h;
      var total = __TOTAL__;
      var pages = Math.ceil(total / SIZE), p = '';
      for (var k = 0; k < pages; k++) {
        p += k == n ? '<b>' + (k + 1) + '</b> '
                    : '<a href="javascript:;" data-n="' + k + '">' + (k + 1) + '</a> ';
      }
      var pg = document.getElementById(__PAGER__);
      pg.innerHTML = p;
      var as = pg.getElementsByTagName('a');
      for (var j = 0; j < as.length; j++) {
        as[j].onclick = function () { load(+this.getAttribute('data-n')); };
      }
    });
  }
  load(0);
})();
