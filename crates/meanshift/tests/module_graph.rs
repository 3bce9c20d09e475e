//! The core's modules import each other without a cycle: read from the
//! sources' `use` paths (outside comments and test modules), each module is
//! one node, `mod` declarations are not imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`crate`, `fit`, `index::bands`, ...) -> the code outside tests.
fn modules() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeMap::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&root).expect("under src");
            let mut parts: Vec<String> = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
                parts.pop();
            }
            // Test modules in files of their own (`index/tests/`) are not the core.
            if parts.iter().any(|p| p == "tests") {
                continue;
            }
            let name = if parts.is_empty() {
                "crate".to_string()
            } else {
                parts.join("::")
            };
            let text = std::fs::read_to_string(&path).expect("readable file");
            found.insert(name, code_outside_tests(&text));
        }
    }
    found
}

/// The text before an inline `#[cfg(test)]` module, without comment lines.
fn code_outside_tests(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut code = String::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed == "#[cfg(test)]"
            && lines.get(i + 1).is_some_and(|next| {
                let next = next.trim();
                next.starts_with("mod ") && next.ends_with('{')
            })
        {
            break;
        }
        if !trimmed.starts_with("//") {
            code.push_str(line);
            code.push('\n');
        }
    }
    code
}

/// The paths a `use` tree names, e.g. `a::{b, c::{d, e}}` -> a::b, a::c::d, a::c::e.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or(tree).trim().to_string()];
    };
    let prefix = tree[..open].trim_end_matches("::");
    let inner = &tree[open + 1..tree.rfind('}').expect("closing brace")];
    let (mut depth, mut start, mut items) = (0, 0, Vec::new());
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|item| !item.trim().is_empty())
        .flat_map(expand)
        .map(|item| format!("{prefix}::{item}"))
        .collect()
}

/// The module of the core a path names from `module`: the longest prefix
/// that is a module (a path into another crate resolves to `module` itself
/// or to nothing).
fn resolve(module: &str, path: &str, known: &BTreeMap<String, String>) -> Option<String> {
    let mut segments: Vec<&str> = path.split("::").map(str::trim).collect();
    let mut base: Vec<&str> = if module == "crate" {
        Vec::new()
    } else {
        module.split("::").collect()
    };
    match segments.first().copied() {
        Some("crate") => {
            base.clear();
            segments.remove(0);
        }
        Some("self") => {
            segments.remove(0);
        }
        Some("super") => {
            while segments.first() == Some(&"super") {
                segments.remove(0);
                base.pop();
            }
        }
        // Relative: a child module (`use bands::BandIndex;`), or another crate.
        _ => {}
    }
    let full: Vec<&str> = base.iter().chain(&segments).copied().collect();
    (1..=full.len())
        .rev()
        .map(|n| full[..n].join("::"))
        .find(|candidate| known.contains_key(candidate))
        // An item of the crate root (`crate::fit`, re-exported there).
        .or_else(|| base.is_empty().then(|| "crate".to_string()))
}

/// Module -> the modules it imports.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let known = modules();
    let mut graph = BTreeMap::new();
    for (module, code) in &known {
        let mut targets = BTreeSet::new();
        // `use` items (possibly spanning lines), then paths used inline.
        let mut rest = code.as_str();
        while let Some(at) = rest.find("use ") {
            let before = &rest[..at];
            let item_start = before.is_empty() || before.ends_with(['\n', ' ', ')', '{', ';']);
            let end = rest[at..].find(';').map_or(rest.len(), |e| at + e);
            if item_start {
                for path in expand(&rest[at + 4..end]) {
                    targets.extend(resolve(module, &path, &known));
                }
            }
            rest = &rest[end.min(rest.len() - 1) + 1..];
        }
        for (at, _) in code.match_indices("crate::") {
            let path: String = code[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            targets.extend(resolve(module, &path, &known));
        }
        targets.remove(module);
        graph.insert(module.clone(), targets);
    }
    graph
}

/// A cycle through `module`'s imports, if any.
fn cycle_from(
    module: &str,
    graph: &BTreeMap<String, BTreeSet<String>>,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|m| m == module) {
        let mut cycle = path[at..].to_vec();
        cycle.push(module.to_string());
        return Some(cycle);
    }
    if done.contains(module) {
        return None;
    }
    path.push(module.to_string());
    for next in graph.get(module).into_iter().flatten() {
        if let Some(cycle) = cycle_from(next, graph, path, done) {
            return Some(cycle);
        }
    }
    path.pop();
    done.insert(module.to_string());
    None
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let graph = imports();
    // The reader sees the edges it must: a sanity check on the parsing.
    for (from, to) in [
        ("fit", "climb"),
        ("fit", "rounds"),
        ("rounds", "climb"),
        ("climb", "index"),
        ("index", "index::select"),
        ("index::select", "index::bands"),
        ("index::strip::avx2", "index::strip::found"),
        ("crate", "fit"),
    ] {
        assert!(
            graph[from].contains(to),
            "{from} -> {to} not found: {graph:?}"
        );
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        if let Some(cycle) = cycle_from(module, &graph, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}
