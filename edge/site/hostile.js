// Records how the page's own elements look before the widget arrives, so a
// test can check that the widget's CSS changed nothing on the page.
window.pageStyles = function () {
  var probe = document.querySelector(".probe");
  var button = document.querySelector(".probe-button");
  var style = getComputedStyle(probe);
  return {
    font: style.font,
    color: style.color,
    boxSizing: style.boxSizing,
    letterSpacing: style.letterSpacing,
    buttonDisplay: getComputedStyle(button).display,
  };
};
document.addEventListener("DOMContentLoaded", function () {
  window.stylesBeforeWidget = window.pageStyles();
});
