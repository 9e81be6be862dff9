// API Gateway console: what only the console's pages need; the dialogs and the one-time secret view are in
// enhancements.js (shared with the self-serve key page). Everything also works without script.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
    // A whole key pasted into the search box would end up in the URL: search by its visible prefix instead.
    const search = document.getElementById("filter-q");
    search?.form?.addEventListener("submit", () => {
        if (/^[a-z0-9]+_(live|test|admin)_/.test(search.value) && search.value.length > 16) {
            search.value = search.value.slice(0, 16);
        }
    });
});
