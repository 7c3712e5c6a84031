//! Tera looks up a filter, a test, a function or an included template only when it
//! renders the branch that names it, so a misspelt or unregistered name answers 500 on
//! whichever page first reaches that branch. This walks every template's syntax tree,
//! every branch included, and checks each name against what `load` registered.

use tera::ast::{Expr, ExprVal, FunctionCall, Node};

/// One name a template uses that Tera does not know, with the template naming it.
#[derive(Debug, PartialEq)]
struct Unknown {
    template: String,
    kind: &'static str,
    name: String,
}

struct Walker<'a> {
    tera: &'a tera::Tera,
    template: &'a str,
    unknown: Vec<Unknown>,
}

impl Walker<'_> {
    fn report(&mut self, kind: &'static str, name: &str) {
        self.unknown.push(Unknown {
            template: self.template.to_owned(),
            kind,
            name: name.to_owned(),
        });
    }

    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::VariableBlock(_, expr) => self.expr(expr),
            Node::MacroDefinition(_, definition, _) => {
                definition
                    .args
                    .values()
                    .flatten()
                    .for_each(|e| self.expr(e));
                self.nodes(&definition.body);
            }
            Node::Include(_, names, ignore_missing) => {
                for name in names {
                    if !ignore_missing && self.tera.get_template(name).is_err() {
                        self.report("included template", name);
                    }
                }
            }
            Node::Set(_, set) => self.expr(&set.value),
            Node::FilterSection(_, section, _) => {
                self.filter(&section.filter);
                self.nodes(&section.body);
            }
            Node::Block(_, block, _) => self.nodes(&block.body),
            Node::Forloop(_, forloop, _) => {
                self.expr(&forloop.container);
                self.nodes(&forloop.body);
                if let Some(empty) = &forloop.empty_body {
                    self.nodes(empty);
                }
            }
            Node::If(condition, _) => {
                for (_, test, body) in &condition.conditions {
                    self.expr(test);
                    self.nodes(body);
                }
                if let Some((_, body)) = &condition.otherwise {
                    self.nodes(body);
                }
            }
            Node::Extends(_, name) | Node::ImportMacro(_, name, _) => {
                if self.tera.get_template(name).is_err() {
                    self.report("template", name);
                }
            }
            Node::Super
            | Node::Text(_)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }

    fn filter(&mut self, call: &FunctionCall) {
        // The renderer applies these two itself; they are in no registry.
        let by_renderer = matches!(call.name.as_str(), "safe" | "default");
        if !by_renderer && self.tera.get_filter(&call.name).is_err() {
            self.report("filter", &call.name);
        }
        call.args.values().for_each(|arg| self.expr(arg));
    }

    fn expr(&mut self, expr: &Expr) {
        expr.filters.iter().for_each(|call| self.filter(call));
        self.value(&expr.val);
    }

    fn value(&mut self, value: &ExprVal) {
        match value {
            ExprVal::Math(math) => {
                self.expr(&math.lhs);
                self.expr(&math.rhs);
            }
            ExprVal::Logic(logic) => {
                self.expr(&logic.lhs);
                self.expr(&logic.rhs);
            }
            ExprVal::In(within) => {
                self.expr(&within.lhs);
                self.expr(&within.rhs);
            }
            ExprVal::Test(test) => {
                if self.tera.get_tester(&test.name).is_err() {
                    self.report("test", &test.name);
                }
                test.args.iter().for_each(|arg| self.expr(arg));
            }
            ExprVal::FunctionCall(call) => {
                if self.tera.get_function(&call.name).is_err() {
                    self.report("function", &call.name);
                }
                call.args.values().for_each(|arg| self.expr(arg));
            }
            ExprVal::MacroCall(call) => call.args.values().for_each(|arg| self.expr(arg)),
            ExprVal::Array(items) => items.iter().for_each(|item| self.expr(item)),
            ExprVal::StringConcat(concat) => {
                concat.values.iter().for_each(|part| self.value(part));
            }
            ExprVal::String(_)
            | ExprVal::Int(_)
            | ExprVal::Float(_)
            | ExprVal::Bool(_)
            | ExprVal::Ident(_) => {}
        }
    }
}

/// Every name in every template of `tera` that it cannot resolve.
fn unknown_names(tera: &tera::Tera) -> Vec<Unknown> {
    let mut names: Vec<&str> = tera.get_template_names().collect();
    names.sort_unstable();
    let mut unknown = Vec::new();
    for name in names {
        let Ok(template) = tera.get_template(name) else {
            continue;
        };
        let mut walker = Walker {
            tera,
            template: name,
            unknown: Vec::new(),
        };
        walker.nodes(&template.ast);
        unknown.append(&mut walker.unknown);
    }
    unknown
}

#[cfg(test)]
mod tests {
    use super::unknown_names;

    #[test]
    fn every_filter_test_function_and_template_the_templates_name_is_known() {
        let tera = crate::templates::load().expect("templates parse");
        assert_eq!(unknown_names(&tera), Vec::new());
    }

    #[test]
    fn a_name_used_only_in_a_branch_never_rendered_is_still_found() {
        let mut tera = crate::templates::load().expect("templates parse");
        tera.add_raw_template(
            "probe.html",
            "{% if false %}{{ x | no_such_filter }}{% elif y is no_such_test %}\
             {% for i in [1] %}{{ no_such_function() }}{% endfor %}\
             {% else %}{% include \"no/such.html\" %}{% endif %}",
        )
        .expect("the probe parses");

        let found: Vec<(&str, String)> = unknown_names(&tera)
            .into_iter()
            .map(|u| (u.kind, u.name))
            .collect();

        assert_eq!(
            found,
            vec![
                ("filter", "no_such_filter".to_owned()),
                ("test", "no_such_test".to_owned()),
                ("function", "no_such_function".to_owned()),
                ("included template", "no/such.html".to_owned()),
            ]
        );
    }
}
