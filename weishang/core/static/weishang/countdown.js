// Countdowns: <span data-countdown="SECONDS">H:MM:SS</span> (the time_left template tag) ticks
// down to 0:00:00. It counts from the seconds the server gave, on the page's own steady clock:
// a phone whose date or time is wrong still shows the right time left.
(() => {
  const spans = [...document.querySelectorAll("[data-countdown]")];
  if (!spans.length) return;
  const started = performance.now();
  const pad = (number) => String(number).padStart(2, "0");
  const tick = () => {
    const elapsed = (performance.now() - started) / 1000;
    for (const span of spans) {
      const left = Math.max(0, Math.round(Number(span.dataset.countdown) - elapsed));
      const hours = Math.floor(left / 3600);
      span.textContent = `${hours}:${pad(Math.floor((left % 3600) / 60))}:${pad(left % 60)}`;
    }
  };
  tick();
  setInterval(tick, 1000);
})();
