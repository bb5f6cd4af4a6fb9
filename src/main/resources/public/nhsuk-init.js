// Starts the NHS.UK frontend's components (header menu, skip link, error summary focus, buttons). A file, not the
// frontend template's inline <script>: the page CSP refuses inline script (web/SecurityHeaders). The body classes
// are the ones that inline script would set; the frontend's styles and initAll check them.
import { initAll } from '/assets/nhsuk/nhsuk-frontend.min.js';

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
initAll();
// Content htmx swaps in (a form answered with errors, an inbox item) gets the same behaviour.
document.body.addEventListener('htmx:load', function (event) {
  if (event.target !== document.body) {
    initAll(event.target);
  }
});
