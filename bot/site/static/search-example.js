/* The search box's example, whole when it fits: else the longest of its shorter forms
 * (data-examples, one a line) that does, measured in the box's font (at 375 px "e.g.
 * weight-only quantization, or 2405.00732" was cut to "e.g. weight-only quantization, or 240"),
 * again when the window is resized. */

export function fitExamples(box) {
  const examples = [box.placeholder].concat((box.getAttribute("data-examples") || "").split("\n").filter(Boolean));
  if (examples.length < 2) return;
  const measure = document.createElement("canvas").getContext("2d");
  function fit() {
    const style = getComputedStyle(box);
    const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (!measure || !room) return;
    measure.font = style.font;
    for (let k = 0; k < examples.length; k++) {
      if (measure.measureText(examples[k]).width <= room || k === examples.length - 1) {
        box.placeholder = examples[k];
        return;
      }
    }
  }
  fit();
  window.addEventListener("resize", fit);
}
