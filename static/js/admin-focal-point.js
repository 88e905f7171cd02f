/* Focal point picker: beside each saved image's two focal point fields (hero and figures), show
   the image; a click on it sets the point, shown as a cross. The numbers stay editable and are
   what is saved: without JavaScript the form works the same. */
(function () {
  "use strict";

  function setUp(xInput) {
    var prefix = xInput.name.slice(0, -"focal_x".length);
    var yInput = document.querySelector('input[name="' + prefix + 'focal_y"]');
    var fileInput = document.querySelector('input[type="file"][name="' + prefix + 'image"]');
    if (!yInput || !fileInput || !fileInput.parentElement) return;
    var current = fileInput.parentElement.querySelector("a[href]");
    if (!current) return; // nothing saved yet: the point is set after the first save

    var box = document.createElement("div");
    box.className = "focal-picker";
    var image = document.createElement("img");
    image.src = current.getAttribute("href");
    image.alt = "Click the point that every crop must keep in view";
    var mark = document.createElement("span");
    mark.className = "focal-mark";
    mark.setAttribute("aria-hidden", "true");
    box.appendChild(image);
    box.appendChild(mark);

    function show() {
      mark.style.left = (Number(xInput.value) || 0) + "%";
      mark.style.top = (Number(yInput.value) || 0) + "%";
    }
    image.addEventListener("click", function (event) {
      var rect = image.getBoundingClientRect();
      xInput.value = Math.round(((event.clientX - rect.left) / rect.width) * 100);
      yInput.value = Math.round(((event.clientY - rect.top) / rect.height) * 100);
      xInput.dispatchEvent(new Event("change", { bubbles: true }));
      show();
    });
    xInput.addEventListener("input", show);
    yInput.addEventListener("input", show);
    show();
    var row = xInput.closest(".form-row") || xInput.parentElement;
    row.appendChild(box);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('input[name$="focal_x"]').forEach(setUp);
  });
})();
