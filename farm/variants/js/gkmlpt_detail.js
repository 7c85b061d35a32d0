(function () { var D = window._CONFIG.DETAIL; document.getElementById('app').innerHTML =
  '<h1 class="title">' + D.title + '</h1><div class="article-content">' + D.content + '</div>'; })();
