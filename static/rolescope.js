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
})();
