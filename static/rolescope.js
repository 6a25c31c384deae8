// Progressive enhancement only: every feature works without this file.
(function () {
  "use strict";
  document.querySelectorAll("button.copy-link").forEach(function (button) {
    var input = document.getElementById(button.dataset.target);
    if (!input || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = "Link copied";
        setTimeout(function () { button.textContent = "Copy link"; }, 2000);
      });
    });
  });

  function suggest(input, list, url, pick) {
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2) return;
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren();
            data.results.forEach(function (item) {
              var option = document.createElement("option");
              option.value = pick(item);
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 150);
    });
  }

  var location = document.getElementById("location");
  var locationList = document.getElementById("location-suggestions");
  if (location && locationList) suggest(location, locationList, "/autocomplete/places", function (name) { return name; });
  var role = document.getElementById("role-search");
  var roleList = document.getElementById("role-suggestions");
  if (role && roleList) suggest(role, roleList, "/autocomplete/roles", function (item) { return item.title; });
  // /compare/: several role and place fields, each naming its list
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    if (input.dataset.suggest === "places") suggest(input, list, "/autocomplete/places", function (name) { return name; });
    else suggest(input, list, "/autocomplete/roles", function (item) { return item.title; });
  });

  // Sortable tables: a button in each sortable column's header sorts the rows by the cells' data-sort values
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    var body = table.tBodies[0];
    table.querySelectorAll("th[data-sort-type]").forEach(function (th, index) {
      var column = Array.prototype.indexOf.call(th.parentNode.children, th);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.replaceChildren(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th[aria-sort]").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = th.dataset.sortType === "number";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].dataset.sort || "", y = b.cells[column].dataset.sort || "";
          if (numeric) {
            if (x === "") return 1;
            if (y === "") return -1;
            return ascending ? x - y : y - x;
          }
          return ascending ? x.localeCompare(y) : y.localeCompare(x);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
