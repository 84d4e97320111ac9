// Script of the book.
//
// pydata-sphinx-theme 0.17 and sphinx-book-theme 1.3 bind the sidebar toggles to the first
// .primary-toggle / .secondary-toggle of the page, a hidden button of the theme's top header, so
// the visible buttons do nothing (pydata-sphinx-theme#2451, sphinx-book-theme#988). Each visible
// toggle forwards its click to the bound one: the sidebar collapses on a desktop and opens as a
// drawer on a phone.
document.addEventListener("DOMContentLoaded", () => {
  for (const selector of [".primary-toggle", ".secondary-toggle"]) {
    const toggles = Array.from(document.querySelectorAll(selector));
    const bound = toggles[0];
    for (const toggle of toggles.slice(1)) {
      toggle.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
      });
    }
  }
});
