fmt --check broken.sb
