/* gkmlpt app (farm build) */
(function () {
  var C = window._CONFIG, app = document.getElementById('app'), P = C.BASE || '';
  function tree(nodes) { var h = '<ul>'; for (var i = 0; i < nodes.length; i++) { var n = nodes[i];
    h += '<li><a href="' + (n.jump_url || ('#' + n.id)) + '">' + n.name + '</a>' + (n.children ? tree(n.children) : '') + '</li>'; }
    return h + '</ul>'; }
  function list(cat, page) { var x = new XMLHttpRequest();
    x.open('GET', P + '/gkmlpt/api/all/' + cat + '?page=' + page + '&sid=' + C.SID, true);
    x.onreadystatechange = function () { if (x.readyState != 4) return; var box = document.getElementById('gk-list');
      if (x.status != 200) { box.innerHTML = '暂无数据'; return; } var d = JSON.parse(x.responseText), h = '';
      for (var i = 0; i < d.articles.length; i++) { var a = d.articles[i]; h += '<tr><td><a href="' + a.url + '">' + a.title + '</a></td><td>' + a.display_publish_time_str + '</td></tr>'; }
      box.innerHTML = '<table class="table-content"><tbody>' + h + '</tbody></table>';
      var pages = Math.ceil(d.total / C.PAGE_SIZE), p = ''; for (var k = 1; k <= pages; k++) p += '<a href="javascript:;" data-p="' + k + '">' + k + '</a> ';
      var pg = document.getElementById('gk-pager'); pg.innerHTML = p; var as = pg.getElementsByTagName('a');
      for (var j = 0; j < as.length; j++) as[j].onclick = function () { list(cat, +this.getAttribute('data-p')); }; };
    x.send(); }
  function route() { var cat = (location.hash || '').replace('#', '') || C.DEFAULT; list(cat, 1); }
  app.innerHTML = '<div class="tree">' + tree(C.TREE) + '</div><div id="gk-list"></div><div id="gk-pager"></div>';
  window.onhashchange = route; route();
})();
