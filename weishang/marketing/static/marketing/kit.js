// Share kit: "save all pictures" (the copy buttons are weishang/copy.js).

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
