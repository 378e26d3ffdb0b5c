// Long actions (run now, backup): show that the click registered and stop double submits.
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[data-busy]");
  if (button) {
    button.disabled = true;
    button.textContent = button.dataset.busy;
  }
});
