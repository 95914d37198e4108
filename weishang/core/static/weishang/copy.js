// Copy buttons: <button data-copy="#field" data-copied="Copied" data-failed="Press and hold…">
// copies the field's text and says so on the button (and in [data-copy-status], read out by
// screen readers) for two seconds.
//
// navigator.clipboard needs a secure page (HTTPS or localhost) and is missing from some in-app
// browsers (WeChat's among them), so selecting the text and execCommand("copy") stays as a
// fallback; when both fail the text is left selected for a long-press copy.

function selectText(field) {
  field.focus();
  field.select();
  field.setSelectionRange(0, field.value.length);  // iOS selects nothing with select() alone
}

async function copyText(field) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(field.value);
      return true;
    } catch (error) {
      // Permission refused: the older way below.
    }
  }
  selectText(field);
  try {
    return document.execCommand("copy");
  } catch (error) {
    return false;
  }
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  const copied = await copyText(field);
  if (!copied) selectText(field);
  const message = copied ? button.dataset.copied : button.dataset.failed;
  const status = document.querySelector("[data-copy-status]");
  if (status) status.textContent = message;
  button.dataset.label = button.dataset.label || button.textContent;
  button.textContent = message;
  button.classList.toggle("copied", copied);
  clearTimeout(button.restoreTimer);
  button.restoreTimer = setTimeout(() => {
    button.textContent = button.dataset.label;
    button.classList.remove("copied");
  }, 2000);
});
