fmt --check messy.sb tidy.sb
