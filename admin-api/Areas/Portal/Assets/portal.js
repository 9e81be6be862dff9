// Self-serve key page: small progressive enhancements. Everything also works without script (Revoke leads to a
// confirmation page); nothing here stores anything.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
    // Revoke: confirm in a <dialog> instead of following the link to the confirmation page.
    for (const opener of document.querySelectorAll("[data-open-dialog]")) {
        opener.addEventListener("click", event => {
            const dialog = document.getElementById(opener.dataset.openDialog);
            if (!dialog || typeof dialog.showModal !== "function") {
                return;
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
        closer.addEventListener("click", () => closer.closest("dialog")?.close());
    }

    // A form that came back with errors: move focus to the summary so a screen reader hears it.
    document.querySelector("[data-focus-on-load]")?.focus();

    // The key, shown once: a reload must not resend the form, so the address becomes the list.
    const secretView = document.querySelector("[data-secret-view]");
    if (secretView) {
        history.replaceState(null, "", "/portal");
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
