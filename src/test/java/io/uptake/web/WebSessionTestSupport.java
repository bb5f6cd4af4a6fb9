package io.uptake.web;

final class WebSessionTestSupport {
    static final String COOKIE = LoginPageController.SESSION_COOKIE;

    private WebSessionTestSupport() {
    }
}
