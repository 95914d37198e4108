// Checkout: cascading province / city / district selects and smart address paste, both through
// the public API. Without JavaScript the same buttons post the form and the server does both.
(() => {
  "use strict";

  const form = document.querySelector(".checkout-form");
  if (!form) return;
  const select = (name) => form.querySelector(`[data-region="${name}"]`);
  const field = (name) => form.elements.namedItem(name);


  const fill = (target, names, chosen) => {
    const placeholder = target.options[0];
    target.replaceChildren(placeholder);
    for (const name of names) target.add(new Option(name, name, false, name === chosen));
    if (chosen && !names.includes(chosen)) target.add(new Option(chosen, chosen, true, true));
  };

  const load = async (params) => {
    const url = `${form.dataset.regionsUrl}?${new URLSearchParams(params)}`;
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    // {"level": "city", "names": [...]} (weishang.core.api)
    return response.ok ? (await response.json()).names : [];
  };

  const loadCities = async (chosenCity = "", chosenDistrict = "") => {
    const province = select("province").value;
    fill(select("city"), province ? await load({ province }) : [], chosenCity);
    await loadDistricts(chosenDistrict);
  };

  const loadDistricts = async (chosen = "") => {
    const province = select("province").value;
    const city = select("city").value;
    fill(select("district"), province && city ? await load({ province, city }) : [], chosen);
  };

  select("province").addEventListener("change", () => loadCities());
  select("city").addEventListener("change", () => loadDistricts());

  const result = form.querySelector("[data-parse-result]");
  const showProblems = (problems, notices, filledMessage) => {
    result.replaceChildren();
    if (problems.length) {
      const list = document.createElement("ul");
      list.className = "errorlist";
      for (const problem of problems) {
        const item = document.createElement("li");
        item.textContent = problem;
        list.append(item);
      }
      result.append(list);
    } else {
      const done = document.createElement("p");
      done.className = "message";
      done.textContent = filledMessage;
      result.append(done);
    }
    for (const notice of notices) {  // a former place name read as today's (闸北区 → 静安区)
      const item = document.createElement("p");
      item.className = "message";
      item.textContent = notice;
      result.append(item);
    }
  };

  const parseButton = form.querySelector("[data-parse-button]");
  parseButton.addEventListener("click", async (event) => {
    event.preventDefault();
    parseButton.disabled = true;
    try {
      const response = await fetch(form.dataset.parseUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ text: field("paste").value }),
      });
      if (!response.ok) {
        // Rate limited or unavailable: let the server do it with a plain post.
        parseButton.disabled = false;
        form.requestSubmit(parseButton);
        return;
      }
      const parsed = await response.json();
      for (const name of ["name", "phone", "street"]) {
        if (parsed[name]) field(name).value = parsed[name];
      }
      const note = field("note");
      if (parsed.note && !note.value.includes(parsed.note)) {
        note.value = note.value ? `${note.value}；${parsed.note}` : parsed.note;
      }
      if (parsed.province) {
        fill(select("province"), [...select("province").options].slice(1).map((o) => o.value),
             parsed.province);
        await loadCities(parsed.city || "", parsed.district || "");
      }
      showProblems(parsed.problems || [], parsed.notices || [], parseButton.dataset.filled);
    } finally {
      parseButton.disabled = false;
    }
  });
})();
