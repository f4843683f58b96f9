# `cpack -G DEB` in the build folder: bnflow_VERSION_ARCH.deb with bin/bnflow, bin/bnflow-cli
# (the project's own libraries are static), the menu entry, the session file type, the
# AppStream metadata, the icons and the man page, all under /usr.
set(CPACK_PACKAGE_NAME bnflow)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The bnflow maintainers")
set(CPACK_PACKAGE_CONTACT "The bnflow maintainers <maintainers@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # bnflow_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/bnflow/bnflow")
# The first line of the package's description is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the
# paragraph under it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "bnflow shows, on a batch you can edit, the forward values, every step of the
staged chain rule and the fused closed-form gradient of a Batch Normalization
layer, with a walkthrough of the derivation, gradient checks, plots and
timings. bnflow-cli is the same engine headless, for scripts (JSON on stdout).")
# The Qt 6 and QCustomPlot libraries come from dpkg-shlibdeps (needs dpkg-dev at package
# time); the font is read at run time, so no library names it.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core, hicolor-icon-theme")
# The menu entry, the file association and the icon caches are refreshed by these packages'
# own dpkg file triggers on share/applications, share/mime/packages and share/icons: the
# package needs no maintainer scripts of its own.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "desktop-file-utils, shared-mime-info")

include(CPack)
