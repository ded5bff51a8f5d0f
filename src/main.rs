fn main() {
    let path = std::env::args().nth(1).unwrap();
    let file = match thr::source::SourceFile::load(&path) {
        Ok(f) => f,
        Err(e) => {
            let r = thr::diag::Renderer::new(false);
            eprint!("{}", r.render(&e, None));
            std::process::exit(2)
        }
    };
    let a = thr::diag::analyze(&file);
    let r = thr::diag::Renderer::new(false);
    for p in &a.problems {
        eprint!("{}", r.render(p, Some(&file)));
    }
}
