// Share kit: copy buttons and "save all pictures".
//
// Copying: navigator.clipboard needs a secure page (HTTPS or localhost) and is missing from
// some in-app browsers, so the selected-text + execCommand("copy") way stays as a fallback;
// when both fail the text stays selected for a long-press copy.

function selectAll(field) {
  field.focus();
  field.select();
  field.setSelectionRange(0, field.value.length);  // iOS selects nothing with select() alone
}

async function copyFrom(field) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(field.value);
      return true;
    } catch (error) {
      // Permission refused: try the older way below.
    }
  }
  selectAll(field);
  try {
    return document.execCommand("copy");
  } catch (error) {
    return false;
  }
}

function announce(button, message, ok) {
  const status = document.querySelector("[data-copy-status]");
  if (status) status.textContent = message;
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  button.textContent = ok ? message : label;
  button.classList.toggle("copied", ok);
  clearTimeout(button.copiedTimer);
  button.copiedTimer = setTimeout(() => {
    button.textContent = label;
    button.classList.remove("copied");
  }, 2000);
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  const ok = await copyFrom(field);
  if (!ok) selectAll(field);
  announce(button, ok ? button.dataset.copied : button.dataset.failed, ok);
});

// Phones save several pictures at once through the share sheet ("存储图像"); where the
// browser cannot share files, each picture keeps its own "Save" link.
async function pictureFiles(links) {
  return Promise.all(links.map(async (link, index) => {
    const response = await fetch(link.href, { credentials: "same-origin" });
    const blob = await response.blob();
    const extension = (blob.type.split("/")[1] || "jpg").replace("jpeg", "jpg");
    return new File([blob], `${index + 1}.${extension}`, { type: blob.type });
  }));
}

document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-save-all]");
  if (!button || !navigator.canShare) return;
  const probe = new File([""], "probe.png", { type: "image/png" });
  if (!navigator.canShare({ files: [probe] })) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const files = await pictureFiles([...document.querySelectorAll("[data-picture]")]);
    try {
      await navigator.share({ files });
    } catch (error) {
      // The seller closed the share sheet: nothing to do.
    }
  });
});
