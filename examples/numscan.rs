fn main() {
    let cc = ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s).ok();
    for a in std::env::args().skip(1) {
        let v = fraudstat::extract::view::View::new(&a, cc.as_ref());
        let s: String = v.simp.iter().collect();
        println!("{s}");
        for m in fraudstat::text::numeral::scan(&s) {
            println!(
                "{:?} {} {:?} {}",
                s.get(m.start..m.end),
                m.value,
                m.form,
                m.approx
            );
        }
    }
}
