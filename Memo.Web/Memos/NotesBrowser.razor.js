// Search as you type, IME-aware: nothing is searched while a composition is in progress (Korean, Japanese or Chinese
// input builds a syllable over several key presses, and "ㅁ", "메" are not what the person is looking for). The text
// is searched once the composition ends and typing has paused for `delay` ms; Enter searches at once.
export function attach(form, input, component, delay) {
    let composing = false;
    let timer;
    let searched = input.value;

    const search = () => {
        clearTimeout(timer);
        if (composing || input.value === searched) {
            return;
        }
        searched = input.value;
        component.invokeMethodAsync("SearchAsync", searched);
    };
    const schedule = () => {
        clearTimeout(timer);
        timer = setTimeout(search, delay);
    };
    const onCompositionStart = () => {
        composing = true;
        clearTimeout(timer);
    };
    const onCompositionEnd = () => {
        composing = false;
        schedule();
    };
    const onInput = event => {
        if (!composing && !event.isComposing) {
            schedule();
        }
    };
    const onSubmit = event => {
        event.preventDefault();
        search();
    };

    input.addEventListener("compositionstart", onCompositionStart);
    input.addEventListener("compositionend", onCompositionEnd);
    input.addEventListener("input", onInput);
    form.addEventListener("submit", onSubmit);
    form.dataset.live = ""; // searching as one types from now on (the button stays, for Enter and for clarity)
    return {
        dispose() {
            clearTimeout(timer);
            input.removeEventListener("compositionstart", onCompositionStart);
            input.removeEventListener("compositionend", onCompositionEnd);
            input.removeEventListener("input", onInput);
            form.removeEventListener("submit", onSubmit);
            delete form.dataset.live;
        },
    };
}
