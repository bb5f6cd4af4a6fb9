// Warns a couple of minutes before the idle timeout logs the user out, with a "Stay signed in" button.
// A file of its own, not an inline script: the pages' Content-Security-Policy is to forbid inline script.
// The server is the judge of time left (GET /ui/session, which does not count as activity), so a session kept
// alive in another tab is not warned about here; POST /ui/session is the activity that keeps it.
(function () {
  'use strict';
  var form = document.getElementById('logout-form');
  if (!form || !form.hasAttribute('data-idle-warning')) {
    return; // not logged in
  }
  var warning = Number(form.getAttribute('data-idle-warning'));
  var csrf = '';
  try {
    csrf = JSON.parse(form.getAttribute('hx-headers') || '{}')['X-CSRF-Token'] || '';
  } catch (e) {
    csrf = '';
  }
  var timer = null;
  var ticker = null;
  var deadline = 0;
  var box = null;
  var countdown = null;

  function loggedOut() {
    window.location.assign('/ui/login?ended=idle');
  }

  function ask(method) {
    var headers = {'Accept': 'application/json'};
    if (method === 'POST') {
      headers['X-CSRF-Token'] = csrf;
    }
    return fetch('/ui/session', {method: method, credentials: 'same-origin', redirect: 'manual', headers: headers})
      .then(function (r) {
        if (!r.ok) {
          throw new Error('session ended');
        }
        return r.json();
      })
      .then(schedule, loggedOut);
  }

  function schedule(status) {
    clearTimeout(timer);
    var left = status.idleSecondsLeft;
    if (left <= 0) {
      loggedOut();
      return;
    }
    if (left > warning) {
      hide();
      timer = setTimeout(function () { ask('GET'); }, (left - warning) * 1000);
      return;
    }
    show(left);
    // Asks again soon: activity in another tab may have kept the session alive.
    timer = setTimeout(function () { ask('GET'); }, Math.min(left, 10) * 1000);
  }

  function build() {
    if (box) {
      return;
    }
    box = document.createElement('div');
    box.id = 'idle-warning';
    box.className = 'idle-warning';
    box.setAttribute('role', 'alertdialog');
    box.setAttribute('aria-live', 'assertive');
    box.setAttribute('aria-labelledby', 'idle-warning-text');
    var text = document.createElement('p');
    text.id = 'idle-warning-text';
    text.appendChild(document.createTextNode('You will be logged out in '));
    countdown = document.createElement('strong');
    countdown.id = 'idle-countdown';
    text.appendChild(countdown);
    text.appendChild(document.createTextNode(' because nothing has happened for a while.'));
    var button = document.createElement('button');
    button.type = 'button';
    button.id = 'stay-signed-in';
    button.textContent = 'Stay signed in';
    button.className = 'nhsuk-button nhsuk-u-margin-bottom-0';
    button.addEventListener('click', function () { ask('POST'); });
    box.appendChild(text);
    box.appendChild(button);
    box.hidden = true;
    document.body.appendChild(box);
  }

  function show(left) {
    build();
    deadline = Date.now() + left * 1000;
    tick();
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
    box.hidden = false;
  }

  function hide() {
    clearInterval(ticker);
    if (box) {
      box.hidden = true;
    }
  }

  function tick() {
    var s = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
    if (s === 0) {
      ask('GET');
    }
  }

  // Timers are slowed in background tabs and stop while a laptop sleeps: look again when the page is seen.
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') {
      ask('GET');
    }
  });
  ask('GET');
}());
