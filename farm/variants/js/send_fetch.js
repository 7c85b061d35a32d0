function call(url, body, type, cb) {
    var o = {method: body === null ? 'GET' : 'POST', headers: {}};
    if (body !== null) { o.body = body; o.headers['Content-Type'] = type; }
    fetch(url, o).then(function (r) { return r.json(); }).then(cb);
  }
