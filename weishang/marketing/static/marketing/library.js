// Placeholder buttons: put {商品名} etc. into the post's text at the cursor.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-insert]");
  if (!button) return;
  const area = document.querySelector("[data-placeholder-target]");
  if (!area) return;
  const start = area.selectionStart ?? area.value.length;
  const end = area.selectionEnd ?? start;
  const code = button.dataset.insert;
  area.value = area.value.slice(0, start) + code + area.value.slice(end);
  area.focus();
  area.setSelectionRange(start + code.length, start + code.length);
});
