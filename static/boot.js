// Trunk's initializer hook for the wasm download (see index.html). Only the bytes received are
// shown: Trunk 0.21's `total` is the wasm's size before wasm-opt (2.0 MB for a 1.5 MB file).
export default function () {
  var q = function (id) { return document.querySelector('[data-testid="' + id + '"]'); };
  return {
    onProgress: function (p) {
      var text = q("boot-bytes");
      if (text) text.textContent = Math.round(p.current / 1024).toLocaleString("en") + " KB";
    },
    onFailure: function (reason) {
      var err = q("boot-error");
      if (!err) return;
      q("boot-progress").remove();
      err.hidden = false;
      q("boot-reason").textContent = String((reason && reason.message) || reason || "");
    },
  };
}
