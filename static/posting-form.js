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

// The pay preview, progressively enhanced: as the pay is typed, ask /jobs/pay-check (read-only, same origin) for the
// local OEWS band and the verdict, and show them in the live region the "Check pay" button fills without JavaScript.
(function () {
  var result = document.getElementById("pay-check-result");
  var form = result && result.closest("form");
  if (!result || !form || !window.fetch) return;
  var source = result.getAttribute("data-pay-check");
  var names = ["title", "role", "location", "arrangement", "employment_type", "salary_min", "salary_max", "salary_period"];
  var timer = null;
  var asked = 0;
  function field(name) { return form.elements[name]; }
  function paragraph(text, className) {
    var p = document.createElement("p");
    p.textContent = text;
    if (className) p.className = className;
    return p;
  }
  function show(data) {
    result.textContent = "";
    if (!data.sentence) { result.appendChild(paragraph(data.message || "No band to compare with.", "warning")); return; }
    result.appendChild(paragraph(data.sentence, "pay-" + data.verdict));
    var list = document.createElement("dl");
    list.className = "pay-band";
    [["25th percentile", data.band.low_text], ["Median", data.band.median_text], ["75th percentile", data.band.high_text]]
      .forEach(function (pair) {
        var term = document.createElement("dt"); term.textContent = pair[0];
        var value = document.createElement("dd"); value.textContent = pair[1];
        list.appendChild(term); list.appendChild(value);
      });
    result.appendChild(list);
    result.appendChild(paragraph((data.role ? "Role: " + data.role.title + ". " : "") + "Source: " + data.citation + ".", "explain"));
  }
  function check() {
    if (!field("salary_min").value && !field("salary_max").value) return;
    if (!field("salary_period").value) return;
    var query = names.map(function (name) {
      var element = field(name);
      return element ? encodeURIComponent(name) + "=" + encodeURIComponent(element.value) : "";
    }).filter(Boolean).join("&");
    var mine = ++asked;
    fetch(source + "?" + query, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) { if (mine === asked) show(data); })
      .catch(function () {});
  }
  names.forEach(function (name) {
    var element = field(name);
    if (!element) return;
    element.addEventListener(element.tagName === "SELECT" ? "change" : "input", function () {
      clearTimeout(timer);
      timer = setTimeout(check, 400);
    });
  });
  // With the preview live, "Check pay" asks at once instead of submitting, so Enter in a field submits the form's
  // own first button ("Save and publish"), as on any form, not the preview.
  var button = form.querySelector('button[name="check_pay"]');
  if (button) {
    button.type = "button";
    button.addEventListener("click", check);
  }
})();
