// Shared by every page. htmx swaps only 2xx answers by default; a 413 from the upload limit carries a sentence
// for the person who chose the file, so it is swapped into the form's target like any other answer.
document.addEventListener('htmx:beforeSwap', function (event) {
  if (event.detail.xhr.status === 413) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// A file over the limit is refused here before it is sent (data-max-bytes on the input): a browser that has
// begun sending a large body does not always read an early answer, so the server's 413 is the backstop.
document.addEventListener('change', function (event) {
  var input = event.target;
  if (!input.matches || !input.matches('input[type=file][data-max-bytes]')) {
    return;
  }
  var max = Number(input.getAttribute('data-max-bytes'));
  var file = input.files && input.files[0];
  var message = document.getElementById(input.id + '-too-large');
  if (file && file.size > max) {
    input.setCustomValidity(input.getAttribute('data-too-large-message'));
    if (message) {
      message.textContent = input.getAttribute('data-too-large-message');
      message.hidden = false;
    }
  } else {
    input.setCustomValidity('');
    if (message) {
      message.hidden = true;
    }
  }
});

// Wide tables scroll inside a box of their own, so a 390 px wide page never scrolls sideways. The box can take
// focus (and is named after the table's caption or heading) so keyboard users can scroll it too (WCAG 2.1.1).
function uptakeWrapTables(root) {
  var tables = (root.querySelectorAll ? root : document).querySelectorAll('main table');
  Array.prototype.forEach.call(tables, function (table) {
    if (table.parentElement && table.parentElement.classList.contains('table-scroll')) {
      return;
    }
    var box = document.createElement('div');
    box.className = 'table-scroll';
    box.setAttribute('tabindex', '0');
    box.setAttribute('role', 'region');
    var caption = table.querySelector('caption');
    var heading = null;
    for (var el = table.previousElementSibling; el && !heading; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) {
        heading = el;
      }
    }
    box.setAttribute('aria-label', (caption || heading) ? (caption || heading).textContent.trim() : 'Table');
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  });
}
document.addEventListener('DOMContentLoaded', function () { uptakeWrapTables(document); });
document.addEventListener('htmx:load', function (event) { uptakeWrapTables(event.target); });

// After htmx replaces the part of the page that held focus (an inbox item worked, a form answered with errors),
// focus would fall back to the page's body and a keyboard or screen-reader user would lose their place (WCAG 2.4.3).
// It goes to what the answer says instead (4.1.3): an error summary, else an alert or status line, else the new
// page's heading where it can take focus (the launch's check-your-answers page), else the new content itself. Which content is the request's target, found again by its id when an outerHTML swap replaced it,
// never the element htmx happens to be settling: an answer that also swaps something in out of band (the menu's
// unread count, with every inbox answer) has htmx settle that first, and focus would land on the count.
// Focus moves only when the swap took it away (it was inside the target): a poll (the campaign's counts every 3 s)
// never pulls it from where the user is, and a control htmx gave focus back to (same id) keeps it.
var uptakeFocusTaken = new WeakMap();
var uptakeMessage = '.nhsuk-error-summary, [role=alert], [role=status]';
document.addEventListener('htmx:beforeSwap', function (event) {
  var target = event.detail.target;
  var active = document.activeElement;
  if (target && active && active !== document.body && target.contains(active)) {
    uptakeFocusTaken.set(event.detail.xhr, true);
  }
});
document.addEventListener('htmx:afterSettle', function (event) {
  var xhr = event.detail.xhr;
  if (!uptakeFocusTaken.has(xhr)) {
    return;
  }
  // Once per answer: htmx fires afterSettle on each element it swapped in, and every one of them is settled by now.
  uptakeFocusTaken.delete(xhr);
  var active = document.activeElement;
  if (active && active !== document.body && document.documentElement.contains(active)) {
    return;
  }
  var old = event.detail.target;
  var swapped = document.documentElement.contains(old) ? old : (old.id ? document.getElementById(old.id) : null);
  var next = swapped
    ? (swapped.matches(uptakeMessage) ? swapped
      : swapped.querySelector(uptakeMessage) || swapped.querySelector('h1[tabindex]') || swapped)
    : document.getElementById('maincontent');
  if (!next || next === document.body) {
    return;
  }
  if (!next.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(next.tagName)) {
    next.setAttribute('tabindex', '-1');
  }
  next.focus();
});

// A page that answers a search puts focus on the line saying what was found (data-focus-on-load), so a keyboard or
// screen-reader user hears the result and goes on from there rather than from the top of the page.
document.addEventListener('DOMContentLoaded', function () {
  var el = document.querySelector('[data-focus-on-load]');
  if (el) {
    if (!el.hasAttribute('tabindex')) {
      el.setAttribute('tabindex', '-1');
    }
    el.focus();
  }
});
