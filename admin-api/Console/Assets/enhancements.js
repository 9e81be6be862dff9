// Small progressive enhancements shared by the console and the self-serve key page. Every action also works without
// script (the links lead to confirmation pages); nothing here stores anything.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
    // Open a <dialog> instead of following the link to its page.
    for (const opener of document.querySelectorAll("[data-open-dialog]")) {
        opener.addEventListener("click", event => {
            const dialog = document.getElementById(opener.dataset.openDialog);
            if (!dialog || typeof dialog.showModal !== "function") {
                return; // no <dialog> support: follow the link
            }
            event.preventDefault();
            const form = dialog.querySelector("[data-action-form]");
            if (form && opener.dataset.action) {
                form.action = opener.dataset.action;
            }
            for (const slot of dialog.querySelectorAll("[data-key-name]")) {
                slot.textContent = opener.dataset.name || "";
            }
            for (const slot of dialog.querySelectorAll("[data-key-prefix]")) {
                slot.textContent = opener.dataset.prefix || "";
            }
            dialog.returnFocusTo = opener;
            dialog.showModal();
        });
    }
    for (const dialog of document.querySelectorAll("dialog")) {
        dialog.addEventListener("close", () => dialog.returnFocusTo?.focus());
    }
    for (const closer of document.querySelectorAll("[data-close-dialog]")) {
        closer.addEventListener("click", event => {
            // A closer may be a link to the list (a form shown as its own page without script): inside a dialog it only closes.
            const dialog = closer.closest("dialog");
            if (dialog) {
                event.preventDefault();
                dialog.close();
            }
        });
    }

    // A form that came back with errors: move focus to the summary so a screen reader hears it.
    document.querySelector("[data-focus-on-load]")?.focus();

    // The one-time secret view.
    const secretView = document.querySelector("[data-secret-view]");
    if (secretView) {
        // Reloading this page must not resend the form: point the history entry at the page's list
        // (data-reload-url), so a reload drops the secret.
        history.replaceState(null, "", secretView.dataset.reloadUrl);
        const done = secretView.querySelector("[data-done]");
        done?.addEventListener("click", event => {
            event.preventDefault();
            secretView.querySelector("[data-secret]").value = "";
            location.replace(done.href);
        });
    }
    for (const button of document.querySelectorAll("[data-copy]")) {
        button.addEventListener("click", async () => {
            const field = document.getElementById(button.dataset.copy);
            const status = button.parentElement.querySelector(".copy-status");
            try {
                await navigator.clipboard.writeText(field.value);
            } catch {
                field.select();
                document.execCommand("copy");
            }
            if (status) {
                status.textContent = "Copied";
            }
        });
    }
});
