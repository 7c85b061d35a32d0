/* jquery.jpage.js (farm build): render the datastore records of each unit */
(function () {
  var stores = document.querySelectorAll('script[type="text/xml"]');
  for (var i = 0; i < stores.length; i++) {
    var s = stores[i], xml = s.textContent, out = '';
    var re = /<record>([\s\S]*?)<\/record>/g, m;
    while ((m = re.exec(xml))) {
      var r = m[1].replace(/^\s*<!\[CDATA\[/, '').replace(/\]\]>\s*$/, '');
      if (r.indexOf('&lt;') >= 0) { var t = document.createElement('textarea'); t.innerHTML = r; r = t.value; }
      out += r;
    }
    var box = document.createElement('ul'); box.className = 'jpage-list'; box.innerHTML = out;
    s.parentNode.appendChild(box);
  }
})();
