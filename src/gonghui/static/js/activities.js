// Activities pages: camera QR scanning (where the browser has BarcodeDetector) and "nearest
// first" (fills lat/lon from the browser's location). Everything also works without them.
(function () {
  "use strict";
  var cameraButton = document.getElementById("scan-camera");
  var tokenInput = document.getElementById("scan-token");
  if (cameraButton && tokenInput && "BarcodeDetector" in window && navigator.mediaDevices) {
    cameraButton.hidden = false;
    cameraButton.addEventListener("click", function () {
      var box = document.querySelector("[data-scan-camera]");
      var video = document.getElementById("scan-video");
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        box.hidden = false;
        video.srcObject = stream;
        video.play();
        var tick = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stream.getTracks().forEach(function (t) { t.stop(); });
              tokenInput.value = codes[0].rawValue;
              tokenInput.form.requestSubmit();
            } else {
              window.requestAnimationFrame(tick);
            }
          }).catch(function () { window.requestAnimationFrame(tick); });
        };
        tick();
      });
    });
  }
  if (tokenInput && !tokenInput.value) tokenInput.focus();
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-locate]");
    if (!button || !navigator.geolocation) return;
    var form = button.closest("[data-locate-form]");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(5);
      form.elements.lon.value = pos.coords.longitude.toFixed(5);
      form.requestSubmit();
    });
  });
})();
