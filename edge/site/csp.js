// Records every Content-Security-Policy violation on the page, so that a
// test (or a curious reader) can see that the widget causes none.
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    sample: event.sample,
  });
  var list = document.getElementById("violations");
  if (list) {
    var item = document.createElement("li");
    item.textContent = event.violatedDirective + " blocked " + (event.blockedURI || event.sample);
    list.appendChild(item);
  }
});
