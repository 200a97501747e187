// Carnet's GraphiQL page: the bearer token typed here goes on every request, introspection
// included (the Docs pane is fetched again whenever the token changes). Nothing is kept in
// the browser (queries, tabs, the token) unless the user ticks "Keep my queries here".
(function () {
  'use strict';
  var endpoint = document.body.getAttribute('data-endpoint');
  var tokenInput = document.getElementById('carnet-token');
  var keep = document.getElementById('carnet-keep');
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  var generation = 0;

  function memoryStorage() {
    var items = new Map();
    return {
      getItem: function (key) { return items.has(key) ? items.get(key) : null; },
      setItem: function (key, value) { items.set(key, String(value)); },
      removeItem: function (key) { items.delete(key); },
      clear: function () { items.clear(); },
      get length() { return items.size; },
    };
  }

  var storage = memoryStorage();

  function fetcher() {
    var token = tokenInput.value.trim();
    var headers = token ? { Authorization: 'Bearer ' + token } : {};
    return GraphiQL.createFetcher({ url: endpoint, headers: headers });
  }

  function render() {
    generation += 1; // a new key remounts GraphiQL, which introspects again with the new token
    root.render(
      React.createElement(GraphiQL, {
        key: generation,
        fetcher: fetcher(),
        storage: storage,
        shouldPersistHeaders: false,
        defaultQuery: '{\n  viewer {\n    role\n    subject\n  }\n}\n',
      })
    );
  }

  tokenInput.addEventListener('change', render);
  keep.addEventListener('change', function () {
    storage = keep.checked ? window.localStorage : memoryStorage();
    render();
  });
  render();
})();
