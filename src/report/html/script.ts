/**
 * The report's only script: status filter buttons and expand/collapse-all. Everything is readable without it.
 * Its hash goes into the page's Content-Security-Policy, so no other script can ever run in the report.
 */
export const REPORT_SCRIPT = `
(function () {
  var checks = Array.prototype.slice.call(document.querySelectorAll('details.check'));
  var buttons = Array.prototype.slice.call(document.querySelectorAll('[data-filter]'));
  buttons.forEach(function (button) {
    button.addEventListener('click', function () {
      var wanted = button.getAttribute('data-filter');
      buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b === button)); });
      checks.forEach(function (check) {
        check.hidden = wanted !== 'all' && check.getAttribute('data-status') !== wanted;
      });
      document.querySelectorAll('section.suite').forEach(function (suite) {
        suite.hidden = !suite.querySelector('details.check:not([hidden])');
      });
    });
  });
  document.querySelectorAll('[data-expand]').forEach(function (button) {
    button.addEventListener('click', function () {
      var open = button.getAttribute('data-expand') === 'open';
      checks.forEach(function (check) { if (!check.hidden) check.open = open; });
    });
  });
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    var check = target && target.closest('details.check');
    if (check) { check.hidden = false; check.open = true; target.scrollIntoView(); }
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
})();
`;
