// Charts of the campaign report page, drawn from the same JSON API the figures come from.
// Readable without colour: every bar is labelled with its number, and the two arms differ by line style
// (solid / dashed) and point shape (circle / triangle), not only by colour.
(function () {
  'use strict';
  const root = document.getElementById('report');
  const id = root.dataset.campaign;
  document.getElementById('print').addEventListener('click', () => window.print());

  const get = (path) => fetch(path, { credentials: 'same-origin' }).then((r) => {
    if (!r.ok) { throw new Error(path + ': ' + r.status); }
    return r.json();
  });

  Promise.all([get('/api/campaigns/' + id + '/report'), get('/api/campaigns/' + id + '/report/timeline')])
    .then(([report, timeline]) => {
      Chart.defaults.animation = false;
      funnel(report);
      cumulative(timeline);
      root.dataset.chartsReady = 'true';
    })
    .catch((e) => {
      root.dataset.chartsReady = 'error';
      const p = document.createElement('p');
      p.className = 'error';
      p.textContent = 'The charts could not be drawn (' + e.message + '); the tables are complete.';
      root.prepend(p);
    });

  function funnel(r) {
    const steps = [
      ['Texted', r.recipients],
      ['Delivered', r.delivered],
      ['Clicked booking link', r.clicked],
      ['Converted (tested)', r.converted],
      ['Abnormal result', r.abnormal],
      ['Urgent referral', r.urgentReferrals],
      ['Cancer diagnosed', r.cancersDiagnosed],
    ].filter(([, v]) => v !== null && v !== undefined);
    new Chart(document.getElementById('funnel-chart'), {
      type: 'bar',
      data: {
        labels: steps.map(([label, v]) => label + ': ' + v),
        datasets: [{ label: 'Patients', data: steps.map(([, v]) => v), backgroundColor: '#005eb8', borderColor: '#212b32', borderWidth: 1 }],
      },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, title: { display: true, text: 'Patients' } } } },
    });
  }

  function cumulative(t) {
    const days = Array.from({ length: t.attributionDays + 1 }, (_, i) => i);
    const style = {
      TEXTED: { label: 'Texted', borderColor: '#005eb8', pointStyle: 'circle', borderDash: [] },
      CONTROL: { label: 'Control (not texted)', borderColor: '#212b32', pointStyle: 'triangle', borderDash: [6, 4] },
    };
    new Chart(document.getElementById('timeline-chart'), {
      type: 'line',
      data: {
        labels: days,
        datasets: t.arms.map((a) => Object.assign({}, style[a.arm], {
          label: style[a.arm].label + ' (n=' + a.patients + ')',
          data: a.cumulativeRate.map((x) => Math.round(x * 1000) / 10),
          pointRadius: 3, fill: false, backgroundColor: style[a.arm].borderColor,
        })),
      },
      options: {
        plugins: { legend: { labels: { usePointStyle: true } } },
        scales: {
          x: { title: { display: true, text: 'Days since first text' } },
          y: { beginAtZero: true, title: { display: true, text: 'Converted so far (%)' } },
        },
      },
    });
  }
}());
