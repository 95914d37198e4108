// Product page: the swipeable gallery's counter, the quantity stepper and the variant picker.
// No library.
(() => {
  "use strict";

  // Quantity steppers (the product page and the cart page).
  for (const stepper of document.querySelectorAll("[data-stepper]")) {
    const input = stepper.querySelector("input");
    for (const button of stepper.querySelectorAll("[data-step]")) {
      button.addEventListener("click", () => {
        const min = Number(input.min || 1);
        const max = Number(input.max || 999);
        const value = (parseInt(input.value, 10) || min) + Number(button.dataset.step);
        input.value = String(Math.min(max, Math.max(min, value)));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }
  }

  const gallery = document.querySelector("[data-gallery]");
  if (gallery) {
    const track = gallery.querySelector(".gallery-track");
    const index = gallery.querySelector("[data-gallery-index]");
    if (track && index) {
      track.addEventListener("scroll", () => {
        index.textContent = String(Math.round(track.scrollLeft / track.clientWidth) + 1);
      }, { passive: true });
    }
  }

  const picker = document.querySelector("[data-picker]");
  const chosenInput = document.querySelector("[data-chosen-variant]");
  const data = document.getElementById("variant-picker");
  if (!picker || !data) return;
  const variants = JSON.parse(data.textContent);
  const buttons = Array.from(picker.querySelectorAll(".spec-value"));
  const specNames = [...new Set(buttons.map((button) => button.dataset.spec))];
  const selected = {};

  const matches = (variant, choice) =>
    Object.keys(choice).every((name) => variant.choice[name] === choice[name]);

  // A group with one value is no choice: select it from the start.
  for (const name of specNames) {
    const values = buttons.filter((button) => button.dataset.spec === name);
    if (values.length === 1) selected[name] = values[0].dataset.value;
  }

  const render = () => {
    for (const button of buttons) {
      const { spec, value } = button.dataset;
      button.setAttribute("aria-pressed", String(selected[spec] === value));
      // Grey out a value when every variant it would lead to is sold out or missing.
      const leadsTo = variants.filter((variant) => matches(variant, { ...selected, [spec]: value }));
      button.classList.toggle(
        "spec-unavailable", leadsTo.every((variant) => variant.state === "sold_out"));
    }
    let shown = "";
    if (specNames.every((name) => name in selected)) {
      const variant = variants.find((candidate) => matches(candidate, selected));
      shown = variant ? variant.id : "none";
    }
    for (const info of picker.querySelectorAll(".variant-info")) {
      info.hidden = info.dataset.variant !== shown;
    }
    if (chosenInput) {
      // Only a complete choice of a variant on sale is posted; otherwise the server asks for one.
      const chosen = shown && shown !== "none";
      chosenInput.value = chosen ? shown : "";
      chosenInput.disabled = !chosen;
    }
  };

  for (const button of buttons) {
    button.addEventListener("click", () => {
      const { spec, value } = button.dataset;
      if (selected[spec] === value) delete selected[spec];
      else selected[spec] = value;
      render();
    });
  }
  picker.hidden = false;
  render();
})();
