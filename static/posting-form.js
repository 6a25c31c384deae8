// The posting form, progressively enhanced: suggest role titles as the poster types (it works without this).
(function () {
  var input = document.getElementById("id_role");
  var form = input && input.form;
  if (!input || !form || !window.fetch) return;
  var source = form.getAttribute("data-role-autocomplete");
  input.setAttribute("list", "role-options");
  var list = document.getElementById("role-options");
  var title = document.getElementById("id_title");
  // Show the role the title suggests (the server picks the same one when the field is left empty).
  function suggest() {
    if (!title.value || input.value) return;
    fetch(source + "?q=" + encodeURIComponent(title.value))
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var first = (data.results || [])[0];
        input.placeholder = first ? "Suggested: " + first.title : "";
      }).catch(function () {});
  }
  if (title) { title.addEventListener("change", suggest); suggest(); }
  input.addEventListener("input", function () {
    if (input.value.length < 2) return;
    fetch(source + "?q=" + encodeURIComponent(input.value))
      .then(function (r) { return r.json(); })
      .then(function (data) {
        list.textContent = "";
        (data.results || []).forEach(function (item) {
          var option = document.createElement("option");
          option.value = item.title || item;
          list.appendChild(option);
        });
      }).catch(function () {});
  });
})();
