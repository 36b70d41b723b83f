package io.kubeexec.controller.decision;

/**
 * Makes a username a valid label value: {@code :} becomes {@code _} as in the original, so does any other character
 * outside {@code [A-Za-z0-9._-]}; at most 63 characters, starting and ending with an alphanumeric.
 */
public final class UsernameLabel {

    private UsernameLabel() {
    }

    public static String of(String username) {
        if (username == null) {
            return "";
        }
        String value = username.replaceAll("[^A-Za-z0-9._-]", "_");
        if (value.length() > 63) {
            value = value.substring(0, 63);
        }
        int start = 0;
        int end = value.length();
        while (start < end && !Character.isLetterOrDigit(value.charAt(start))) {
            start++;
        }
        while (end > start && !Character.isLetterOrDigit(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(start, end);
    }
}
