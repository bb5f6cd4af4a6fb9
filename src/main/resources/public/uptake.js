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
