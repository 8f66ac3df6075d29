//! The widget's entry point: Trunk builds this binary, and the loader script
//! (`loader/widget.js`) instantiates it on the host page.

fn main() {
    charla_widget::boot();
}
