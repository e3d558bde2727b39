diff --color=never kinds/base.sb kinds/preference.sb
