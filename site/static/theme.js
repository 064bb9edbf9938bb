// Applies the saved theme before the page is drawn (loaded synchronously in <head>).
(function () {
  "use strict";
  try {
    var saved = window.localStorage.getItem("claimbase-theme");
    if (saved === "light" || saved === "dark") {
      document.documentElement.setAttribute("data-theme", saved);
    }
  } catch (e) { /* storage may be unavailable (private mode, file://): keep the system theme */ }
})();
