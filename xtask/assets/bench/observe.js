// Measurement fixture for `cargo xtask bench`: records long tasks from the
// very start of the page, before any other script runs.
window.benchLongTasks = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (entry) {
    window.benchLongTasks.push({ start: entry.startTime, duration: entry.duration });
  });
}).observe({ type: "longtask", buffered: true });
