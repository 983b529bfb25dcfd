/* Doing an inspection on a phone: item cards autosave through htmx (the server keeps every answer, so a
   reload shows what was done); unsent note text is also kept in localStorage and restored; GPS and the
   two signature pads post to their endpoints. Messages shown to the user come from data-msg-*
   attributes, which the templates fill with translated text. */
(function () {
  "use strict";

  function csrfHeaders() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (error) {
      return {};
    }
  }

  // A refused save (422, 409, 403) answers with the card showing the reason: swap it in like a success.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ([403, 409, 422].indexOf(status) >= 0 && event.detail.target.closest("#conduct")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  /* Notes: every keystroke goes to localStorage until the server has the same text. A card rendered
     by the server (page load, or the answer of a save) whose saved note differs from the stored text
     gets the unsent text back and sends it. The comparison is with the note as the server rendered it
     (defaultValue), not with the box, which the user may already be typing into. */
  var restored = {};

  function restoreNote(card) {
    var key = card.dataset.noteKey;
    var note = card.querySelector("textarea[name=note]");
    if (!key || !note) return;
    var stored = window.localStorage.getItem(key);
    if (stored === null) return;
    if (stored === note.defaultValue) {
      window.localStorage.removeItem(key);
      return;
    }
    if (note.value !== stored) note.value = stored;
    // Sent once per page view: if the server refuses it, the text stays in the box, not in a loop.
    if (!restored[key]) {
      restored[key] = true;
      htmx.trigger(card, "change");
    }
  }

  document.addEventListener("input", function (event) {
    var note = event.target;
    if (note.name !== "note") return;
    var card = note.closest(".item-card");
    if (card && card.dataset.noteKey) window.localStorage.setItem(card.dataset.noteKey, note.value);
  });

  /* GPS: one automatic attempt when the inspection has no position yet, and the button. */
  function locate(box, automatic) {
    var message = box.querySelector("#location-error");
    if (!navigator.geolocation) {
      if (!automatic) message.textContent = box.dataset.msgUnsupported;
      return;
    }
    message.textContent = box.dataset.msgLocating;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        htmx.ajax("POST", box.dataset.url, {
          target: box,
          swap: "outerHTML",
          headers: csrfHeaders(),
          values: {
            lat: position.coords.latitude,
            lon: position.coords.longitude,
            accuracy: position.coords.accuracy,
          },
        });
      },
      function (error) {
        // The browser's own message is in its language; say it in the page's (codes per the W3C API).
        var reasons = { 1: box.dataset.msgDenied, 2: box.dataset.msgUnavailable, 3: box.dataset.msgTimeout };
        message.textContent = box.dataset.msgFailed + (reasons[error.code] || error.message);
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
    );
  }

  /* Signature pads: the canvas is sized to its box at the screen's pixel ratio, so strokes are sharp. */
  function sizePad(canvas) {
    var pad = canvas.signaturePad;
    if (!pad || !canvas.offsetWidth) return;
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var strokes = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(strokes);
  }

  function initSignature(box) {
    var canvas = box.querySelector("canvas");
    if (!canvas || canvas.signaturePad || typeof SignaturePad === "undefined") return;
    canvas.signaturePad = new SignaturePad(canvas, { penColor: "#111", minWidth: 1, maxWidth: 3 });
    sizePad(canvas);
    var error = box.querySelector(".signature-error");
    box.querySelector("[data-clear]").addEventListener("click", function () {
      canvas.signaturePad.clear();
    });
    box.querySelector("[data-save]").addEventListener("click", function () {
      if (canvas.signaturePad.isEmpty()) {
        error.textContent = box.dataset.msgEmpty;
        return;
      }
      htmx.ajax("POST", box.dataset.url, {
        target: box,
        swap: "outerHTML",
        headers: csrfHeaders(),
        values: { who: box.dataset.who, data_url: canvas.signaturePad.toDataURL("image/png") },
      });
    });
    var resign = box.querySelector("[data-resign]");
    if (resign) {
      resign.addEventListener("click", function () {
        box.querySelector(".pad").classList.remove("d-none");
        box.querySelector(".signed").classList.add("d-none");
        sizePad(canvas);
      });
    }
  }

  window.addEventListener("resize", function () {
    document.querySelectorAll(".signature-canvas").forEach(sizePad);
  });

  /* Finishing while a card is still saving would race it: wait for the saves to land first. */
  var pending = 0;
  document.body.addEventListener("htmx:beforeRequest", function () {
    pending += 1;
  });
  document.body.addEventListener("htmx:afterRequest", function () {
    pending = Math.max(0, pending - 1);
  });

  function initFinish(form) {
    form.addEventListener("submit", function (event) {
      if (pending === 0) return;
      event.preventDefault();
      var wait = window.setInterval(function () {
        if (pending > 0) return;
        window.clearInterval(wait);
        form.submit();
      }, 100);
    });
  }

  htmx.onLoad(function (root) {
    var scope = root.querySelectorAll ? root : document;
    var cards = scope.matches && scope.matches(".item-card") ? [scope] : scope.querySelectorAll(".item-card");
    Array.prototype.forEach.call(cards, restoreNote);
    var signatures = scope.matches && scope.matches(".signature") ? [scope] : scope.querySelectorAll(".signature");
    Array.prototype.forEach.call(signatures, initSignature);
    var box = scope.id === "location" ? scope : scope.querySelector("#location");
    if (box && !box.dataset.bound) {
      box.dataset.bound = "1";
      box.querySelector("[data-locate]").addEventListener("click", function () {
        locate(box, false);
      });
      if (box.dataset.auto === "1" && scope === document.body) locate(box, true);
    }
    var finish = scope.id === "finish-form" ? scope : scope.querySelector("#finish-form");
    if (finish && !finish.dataset.bound) {
      finish.dataset.bound = "1";
      initFinish(finish);
    }
  });
})();
