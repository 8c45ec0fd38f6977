// drag and drop onto the upload form (served as /aset/unggah.js: the CSP allows no inline script)
(function () {
  var zone = document.getElementById("seret"), input = document.getElementById("berkas");
  ["dragenter", "dragover"].forEach(function (t) { zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("aktif"); }); });
  ["dragleave", "drop"].forEach(function (t) { zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("aktif"); }); });
  zone.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; }
  });
})();
