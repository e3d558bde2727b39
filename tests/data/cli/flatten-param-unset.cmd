flatten project-param.sb
