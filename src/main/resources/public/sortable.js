// Sorts a table.sortable by the clicked column; numbers by value (data-sort when given), text otherwise.
(function () {
  'use strict';
  document.querySelectorAll('table.sortable').forEach((table) => {
    const headers = Array.from(table.tHead.rows[0].cells);
    headers.forEach((th, column) => {
      const button = th.querySelector('button.sort');
      if (!button) { return; }
      button.addEventListener('click', () => {
        const ascending = th.getAttribute('aria-sort') !== 'ascending';
        headers.forEach((h) => h.removeAttribute('aria-sort'));
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        const numeric = button.dataset.type === 'number';
        const key = (row) => {
          const cell = row.cells[column];
          const raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
          if (!numeric) { return raw.toLowerCase(); }
          const n = parseFloat(raw);
          return Number.isNaN(n) ? -Infinity : n;
        };
        const rows = Array.from(table.tBodies[0].rows);
        rows.sort((a, b) => {
          const x = key(a);
          const y = key(b);
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach((r) => table.tBodies[0].appendChild(r));
      });
    });
  });
}());
