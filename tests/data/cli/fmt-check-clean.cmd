fmt --check tidy.sb
