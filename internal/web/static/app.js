// Asks before destructive form submissions marked with data-confirm.
// Forms work without this script; it only adds the question.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
