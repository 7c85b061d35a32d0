function call(url, body, type, cb) {
    var x = new XMLHttpRequest();
    x.open(body === null ? 'GET' : 'POST', url, true);
    x.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
    if (type) x.setRequestHeader('Content-Type', type);
    x.onreadystatechange = function () {
      if (x.readyState == 4 && x.status == 200) cb(JSON.parse(x.responseText));
    };
    x.send(body);
  }
