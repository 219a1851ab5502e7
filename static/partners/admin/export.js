// The admin's export page: "Select all" ticks or clears the field boxes of its resource.
// Wired here rather than by an inline handler, which the Content Security Policy refuses.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((toggle) => {
    const row = toggle.closest("[resource-index]");
    const index = row ? row.getAttribute("resource-index") : null;
    toggle.addEventListener("change", () => {
      const selector = index === null
        ? ".selectable-field-export-row input[type=checkbox]"
        : `.selectable-field-export-row[resource-index="${index}"] input[type=checkbox]`;
      document.querySelectorAll(selector).forEach((box) => {
        box.checked = toggle.checked;
      });
    });
  });
});
